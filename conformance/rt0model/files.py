"""Writing generated files."""
from __future__ import annotations

import os
from pathlib import Path


def write_if_changed(path, text: str) -> bool:
    """Writes text to path atomically, only when it differs (build tools
    then see an unchanged file as up to date). True when it wrote."""
    path = Path(path)
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return True
