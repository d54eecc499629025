"""Write the API contract to docs/openapi.yaml (`-` prints it instead): `make openapi`."""

import sys
from pathlib import Path

from dubbing_api.core.openapi import to_yaml
from dubbing_api.main import contract

DEFAULT = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"

if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else str(DEFAULT)
    text = to_yaml(contract())
    if target == "-":
        sys.stdout.write(text)
    else:
        Path(target).write_text(text)
        print(f"wrote {target}")
