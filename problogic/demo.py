"""``make demo``: run the bundled example programs and print their exact answers.

Each example goes through the whole pipeline (parse, ground, compile, evaluate); the timings
show where the time goes.
"""

from __future__ import annotations

from importlib import resources

from .cli import format_probability
from .program_api import Program

EXAMPLES = ["alarm.pl", "dice.pl", "smokers.pl", "counting.pl", "hmm.pl"]


def main() -> None:
    folder = resources.files("problogic.examples")
    for name in EXAMPLES:
        text = folder.joinpath(name).read_text()
        description = " ".join(line.lstrip("% ").strip() for line in text.splitlines()
                               if line.startswith("%"))
        result = Program.from_string(text, name).run()
        print(f"== {name}: {description}")
        width = max(len(atom) for atom in result.probabilities)
        for atom, value in sorted(result.probabilities.items()):
            print(f"   {atom:>{width}}: {format_probability(value)}")
        times = ", ".join(f"{stage} {seconds * 1000:.1f} ms"
                          for stage, seconds in result.timings.items())
        sizes = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in result.stats.items())
        print(f"   [{times}]\n   [{sizes}]\n")


if __name__ == "__main__":
    main()
