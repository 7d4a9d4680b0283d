"""`python -m sirbi_shared.auth generate-keys DIR`: a local signing key pair for `make up`."""

from __future__ import annotations

import sys
from pathlib import Path

from sirbi_shared.auth.tokens import write_key_pair


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "generate-keys":
        print("usage: python -m sirbi_shared.auth generate-keys DIR", file=sys.stderr)  # noqa: T201
        return 2
    write_key_pair(Path(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
