"""`python -m sirbi_members [serve|migrate]`."""

from __future__ import annotations

import sys

from sirbi_members.app import definition
from sirbi_shared.service import service_main


def main() -> int:
    return service_main(definition)


if __name__ == "__main__":
    sys.exit(main())
