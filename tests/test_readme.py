"""The README's shell blocks run as written (in a scratch folder beside the checkout's tests),
so they cannot rot. A block that needs a real Slack workspace or a database host is listed
with the reason; a new block that is neither run nor listed fails the test."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BLOCK = re.compile(r"^ *```sh\n(.*?)^ *```", re.MULTILINE | re.DOTALL)

# First line of a block -> why it is not run here.
NOT_RUN = {
    'pip install ".[test]" && python -m pytest': "the test command itself",
    "export SLACK_BOT_TOKEN=xoxb-…   # from step 4": "needs a real Slack app's tokens",
    "export SLACK_BOT_TOKEN=xoxb-…": "needs a real Slack app's tokens",
    "export FACTBOT_DB=postgresql://factbot:secret@db.internal:5432/factbot": (
        "needs a PostgreSQL host (tests/e2e/test_e2e_replicas.py runs the same on a local one)"
    ),
}
# Lines left out here (by the block's first line, then the line's start), and why.
LEFT_OUT = {
    'pip install . && factbot ask "how many countries did China donate vaccines to?"': {
        "pip install . && ": "FactBot is installed already: the rest of the line runs",
    },
    "factbot check my-sheet && factbot ask --facts my-sheet": {
        "FACTBOT_FACTS=my-sheet factbot serve --http": "serves until stopped (Slack tokens)",
    },
    "factbot digest --dry-run                    # print today's digest; no Slack token needed": {
        "factbot digest --post ": "needs a Slack token (the mock demo below posts)",
        "factbot serve ": "serves until stopped",
    },
}


def blocks() -> list[str]:
    return [b for b in BLOCK.findall((ROOT / "README.md").read_text()) if b.strip()]


def first_line(block: str) -> str:
    return block.strip().splitlines()[0].strip()


def runnable(block: str) -> str:
    lines = []
    left_out = next((v for k, v in LEFT_OUT.items() if first_line(block).startswith(k)), {})
    for line in block.splitlines():
        text = line.strip()
        for prefix in left_out:
            if text.startswith(prefix):
                text = text[len(prefix) :] if prefix.endswith("&& ") else ""
                break
        if text:
            lines.append(text)
    return "\n".join(lines)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("readme")
    (folder / "tests").symlink_to(ROOT / "tests")
    return folder


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_every_block_is_run_or_has_a_reason() -> None:
    """No README block is silently untested."""
    assert len(blocks()) >= 8
    for block in blocks():
        assert first_line(block) in NOT_RUN or runnable(block), first_line(block)


@pytest.mark.parametrize(
    "block",
    [b for b in blocks() if first_line(b) not in NOT_RUN],
    ids=lambda b: first_line(b)[:40],
)
def test_block_runs_as_written(block: str, scratch: Path) -> None:
    """Each block exits 0 in bash with FactBot on the PATH, in README order in one folder (a
    block may use what an earlier one made, as a reader's would)."""
    if "--port 8999" in block and not (port_free(8999) and port_free(3000)):
        pytest.skip("ports 8999 and 3000 are taken on this machine")
    tmp_path = scratch
    Path("/tmp/digest-demo.db").unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FACTBOT_"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["FACTBOT_SEMANTIC"] = "off"  # the same commands, faster; the signal has its own tests
    if first_line(block).startswith("factbot stats"):
        env["FACTBOT_DB"] = str(tmp_path / "stats.db")
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"from bot.store import Store; Store({str(tmp_path / 'stats.db')!r}).close()",
            ],
            check=True,
            env=env,
        )
    script = runnable(block)
    done = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    if "digest --post & OTHER" in script:  # the exactly-once demo: its last run posts nothing
        assert done.stdout.count("already posted") >= 2, done.stdout
