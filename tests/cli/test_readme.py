"""The README's "Command line" examples are what the commands print."""

import pathlib
import re
import shlex

import pytest

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def examples():
    text = README.read_text(encoding="utf-8")
    section = text.split("## Command line", 1)[1].split("\n## ", 1)[0]
    for block in re.findall(r"```sh\n(.*?)```", section, flags=re.S):
        command, expected = None, []
        for line in block.splitlines():
            if line.startswith("$ convtui "):
                if command:
                    yield command, expected
                command, expected = shlex.split(line[2:])[1:], []
            else:
                expected.append(line)
        if command:
            yield command, expected


EXAMPLES = list(examples())


def test_the_section_has_examples():
    assert len(EXAMPLES) >= 5
    assert EXAMPLES[0] == (["conv", "1,2,3,4", "5,6,7"], ["5 16 34 52 45 28"])


@pytest.mark.parametrize("command, expected", EXAMPLES, ids=[" ".join(c) for c, _ in EXAMPLES])
def test_readme_example(cli, command, expected):
    code, out, _ = cli(*command)
    assert code == 0
    lines = out.splitlines()
    if command[0] == "compare":
        lines = lines[: len(expected)]  # the README leaves out the footnotes
    assert lines == expected
