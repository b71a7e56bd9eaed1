"""The actors, one Mesa agent class each: the US, the Commission, the member states, China and the European Parliament."""

from negotiation.actors.china import China
from negotiation.actors.commission import Commission
from negotiation.actors.member_states import MemberState, MemberStates
from negotiation.actors.parliament import Parliament
from negotiation.actors.us import UnitedStates

__all__ = ["China", "Commission", "MemberState", "MemberStates", "Parliament", "UnitedStates"]
