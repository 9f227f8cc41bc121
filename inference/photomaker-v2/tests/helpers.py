import copy
import json
import os
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

with open(os.path.join(HERE, "contract.json"), encoding="utf-8") as f:
    CONTRACT = json.load(f)


def contract_request(change=None):
    """The request the engine sends (from contract.json), with `change` merged in (parameters merge too)."""
    request = copy.deepcopy(CONTRACT["request"])
    for key, value in (change or {}).items():
        if key == "parameters":
            request["parameters"].update(value)
        else:
            request[key] = value
    return request
