"""The actors, one Mesa agent class each: the US, the Commission, the member states and China."""

from negotiation.actors.china import China
from negotiation.actors.commission import Commission
from negotiation.actors.member_states import MemberState, MemberStates
from negotiation.actors.us import UnitedStates

__all__ = ["China", "Commission", "MemberState", "MemberStates", "UnitedStates"]
