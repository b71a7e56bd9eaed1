"""An agent-based negotiation game about the 2026 EU-US critical-minerals partnership.

The public API: load a scenario, build the Mesa model, play it.

    from negotiation import load_scenario, NegotiationModel
    model = NegotiationModel.from_spec(load_scenario("scenarios/critical_minerals_2026.yaml"), 7)
    model.run()
"""

from negotiation.model import NegotiationModel, run_game
from negotiation.moves import IllegalMove
from negotiation.scenario import ScenarioError, load_scenario

__all__ = ["IllegalMove", "NegotiationModel", "ScenarioError", "load_scenario", "run_game"]
__version__ = "0.1.0"
