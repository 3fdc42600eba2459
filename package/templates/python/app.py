"""The validator: judges every submission, in the cohack sandbox.

`cohack challenge build` makes a WebAssembly component of this module and the `cohack_sdk`
package with componentize-py; `cohack challenge test` runs it on every sample.
"""

from cohack_sdk import Submission, VerdictBuilder, config, export, judge

# The challenge's points: must match `points` in challenge.toml.
POINTS = 100


@judge(POINTS)
def validate(s: Submission, v: VerdictBuilder) -> None:
    # A missing file raises cohack_sdk.Error, which `judge` turns into a failed check.
    greeting = s.text("hello.txt").strip()
    greeted = greeting == "hello, telemetry"
    v.check(
        "greeting",
        greeted,
        "`hello.txt` says hello."
        if greeted
        else f"`hello.txt` must contain `hello, telemetry`, not `{greeting}`.",
    )

    # Settings come from challenge.toml's [config], overridable per event.
    expected = config.get_or("answer", "42")
    right = s.answer == expected
    v.check("answer", right, "Right." if right else "Not the answer we expected.")
    v.note(f"expected answer: {expected}")


# The component's entry points: componentize-py looks for `WitWorld` in app.py.
WitWorld = export(validate)
