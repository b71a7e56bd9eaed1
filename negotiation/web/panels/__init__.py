"""The pieces of the game view.

Display panels take the model and a `version` number: the model changes in place, so the view
passes its change counter to make them draw again. Seat panels (`us`, `commission`,
`member_state`, `china`) take the waiting `Decision` and the session's game, and send a move.
"""
