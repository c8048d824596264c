"""``make demo``: run the bundled example programs and print their exact answers.

Each example goes through the whole pipeline (parse, ground, compile, evaluate); the timings
show where the time goes. Then the other tasks: the most probable proofs behind ``alarm.pl``'s
answers (``problogic explain``), the best decisions of ``umbrella.pl`` (``problogic dt``), and
the probabilities of ``alarm.pl`` learned back from examples drawn from it (``problogic
lfi``).
"""

from __future__ import annotations

import time
from importlib import resources

from .cli import format_probability
from .language.program import ProbabilisticClause
from .program_api import Program

EXAMPLES = ["alarm.pl", "dice.pl", "smokers.pl", "counting.pl", "hmm.pl"]


def main() -> None:
    folder = resources.files("problogic.examples")
    for name in EXAMPLES:
        text = folder.joinpath(name).read_text()
        result = Program.from_string(text, name).run()
        print(f"== {name}: {_description(text)}")
        width = max(len(atom) for atom in result.probabilities)
        for atom, value in sorted(result.probabilities.items()):
            print(f"   {atom:>{width}}: {format_probability(value)}")
        times = ", ".join(f"{stage} {seconds * 1000:.1f} ms"
                          for stage, seconds in result.timings.items())
        sizes = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in result.stats.items())
        print(f"   [{times}]\n   [{sizes}]\n")
    explain(folder)
    decide(folder)
    learn(folder)


def explain(folder) -> None:
    text = folder.joinpath("alarm.pl").read_text()
    explanation = Program.from_string(text, "alarm.pl").explain(max_proofs=2)
    print("== alarm.pl explained (problogic explain): each query's two most probable proofs "
          "together with the evidence (rule(Line, Head): the rule at that line fired)")
    for query, proofs in explanation.proofs.items():
        print(f"   {query} ({format_probability(explanation.probabilities[query])} given the "
              "evidence):")
        for proof in proofs:
            print(f"      P={proof.probability:.4g}: {', '.join(proof.literals)}")
    print()


def decide(folder) -> None:
    text = folder.joinpath("umbrella.pl").read_text()
    start = time.perf_counter()
    strategy = Program.from_string(text, "umbrella.pl").decide()
    print(f"== umbrella.pl: {_description(text)}")
    for name, value in sorted(strategy.decisions.items()):
        print(f"   {name}: {'yes' if value else 'no'}")
    print(f"   expected utility {strategy.score:.6g} ({strategy.evaluated} strategies, "
          f"{(time.perf_counter() - start) * 1000:.1f} ms)\n")


def learn(folder) -> None:
    text = folder.joinpath("alarm_learn.pl").read_text()
    examples = folder.joinpath("alarm_learn_examples.pl").read_text()
    truth = [annotation for clause in Program.from_string(
        folder.joinpath("alarm.pl").read_text()).parsed.clauses
        if isinstance(clause, ProbabilisticClause) for annotation, _ in clause.heads]
    start = time.perf_counter()
    result = Program.from_string(text, "alarm_learn.pl").lfi(examples)
    print(f"== alarm_learn.pl: {_description(text)}")
    width = max(len(p.name) for p in result.parameters)
    for parameter, true_value in zip(result.parameters, truth):
        print(f"   {parameter.name:>{width}}: {parameter.value:.3f}  (alarm.pl: {true_value})")
    print(f"   [{result.iterations} EM iterations, log-likelihood {result.log_likelihood:.2f}, "
          f"{(time.perf_counter() - start) * 1000:.0f} ms]\n")


def _description(text: str) -> str:
    return " ".join(line.lstrip("% ").strip() for line in text.splitlines()
                    if line.startswith("%"))


if __name__ == "__main__":
    main()
