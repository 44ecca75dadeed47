"""What policy-gradient agents return."""
from __future__ import annotations

from rlpyt.utils.collections import namedarraytuple

AgentInfo = namedarraytuple("AgentInfo", ["dist_info", "value"])
