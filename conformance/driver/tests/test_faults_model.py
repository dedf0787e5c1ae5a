"""A fault's ids per arch and link mode (rt0model.faults): breaks_on adds
ids where its arch and mode match; a racy entry's ids may fail or pass."""
from rt0model import faults

FAULT = {
    "name": "f", "breaks": ["A"],
    "breaks_on": [
        {"arch": "arm", "ids": ["B"], "reason": "r"},
        {"arch": "all", "ids": ["C"], "mode": "internal", "reason": "r"},
        {"arch": "arm", "ids": ["D"], "mode": "external", "racy": True, "reason": "r"},
    ],
}


def test_breaks_by_arch_and_mode():
    assert faults.breaks(FAULT, "amd64") == ["A", "C"]
    assert faults.breaks(FAULT, "arm", "internal") == ["A", "B", "C"]
    assert faults.breaks(FAULT, "arm", "external") == ["A", "B"]


def test_racy_ids_are_not_required():
    assert "D" not in faults.breaks(FAULT, "arm", "external")
    assert faults.may_break(FAULT, "arm", "external") == ["D"]
    assert faults.may_break(FAULT, "arm", "internal") == []
    assert faults.may_break(FAULT, "amd64") == []
