"""Checking the fields of a TOML table against a schema."""
from __future__ import annotations


def field_errors(where: str, table: dict, required: dict, optional: dict,
                 internal: frozenset = frozenset({"_file"})) -> list[str]:
    """Missing required fields, wrong types and unknown fields of table;
    required and optional map a field to its Python type."""
    errors = []
    for key, typ in required.items():
        if key not in table:
            errors.append(f"{where}: missing {key}")
        elif not isinstance(table[key], typ):
            errors.append(f"{where}: {key} must be a {typ.__name__}")
    for key, typ in optional.items():
        if key in table and not isinstance(table[key], typ):
            errors.append(f"{where}: {key} must be a {typ.__name__}")
    for key in sorted(set(table) - set(required) - set(optional) - internal):
        errors.append(f"{where}: unknown field {key}")
    return errors


def name_errors(where: str, name, pattern, style: str, seen: dict) -> list[str]:
    """A table's name (an id, a fault's name): it must match pattern (style
    says how, e.g. "UPPER-KEBAB") and be unique; seen maps each name to
    where it was first met."""
    if not isinstance(name, str):
        return []
    errors = []
    if not pattern.match(name):
        errors.append(f"{where}: {name!r} is not {style}")
    if name in seen:
        errors.append(f"{where}: {name} is also at {seen[name]}")
    seen.setdefault(name, where)
    return errors
