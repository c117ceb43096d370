"""The README's command-line tour leaves the demo usable: it revokes only a token it made itself."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_tour_revokes_only_the_token_it_created() -> None:
    text = README.read_text()
    revokes = re.findall(r"^docket token revoke (\S+)", text, flags=re.MULTILINE)
    assert revokes == ['"$ID"']
    assert re.search(r'^ID=\$\(docket token create .*--json', text, flags=re.MULTILINE)
    assert not re.search(r"-X DELETE \S*/api/v1/tokens/\d", text)  # nor through the API
