"""Provides the dialog asking a row question: a row an analyzer cannot settle that decides
something (which role a target has, say), with the artifact line that makes it matter."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from wizard.evidence.protocol import RowQuestion
from wizard.tui.safe import joined, plain

DONT_KNOW = "\x00?"
"""What the dialog returns for "don't know": the analyzer's guess stays, and is said to be
one (never a value an analyzer offers: those are shown text)."""


class RowQuestionDialog(ModalScreen[str | None]):
    """Asks one ``RowQuestion``: its text, the line that makes it matter, its choices.

    Returns the chosen value, ``DONT_KNOW``, or None when closed without an answer
    (asked again at the next step).
    """

    DEFAULT_CSS = """
    #row-question-choices { height: auto; margin: 1 0 0 0; }
    #row-question-keys { color: $text-muted; margin-bottom: 1; }
    #row-question-why-scroll { height: auto; max-height: 8; }
    """

    BINDINGS = [
        *(Binding(str(n), f"choose({n})", show=False) for n in range(1, 10)),
        Binding("0", "dont_know", "Don't know"),
        Binding("escape", "dismiss(None)", "Later"),
        Binding("ctrl+n", "new_case", "New case", show=False),
    ]

    def __init__(self, question: RowQuestion) -> None:
        super().__init__(name="row-question")
        self.question = question

    def compose(self) -> ComposeResult:
        question = self.question
        with Vertical(classes="dialog", id="row-question-dialog"):
            yield Static(plain(question.text, "bold"), id="row-question-text")
            if question.line:
                yield Static(
                    joined(("The line that makes it matter: ", "dim"), f"line {question.line}: "),
                    id="row-question-line-label",
                )
                yield Static(plain(question.line_text, "reverse"), id="row-question-line")
            options = [
                Option(plain(f"{n}  {label}"), id=f"choice-{n}")
                for n, (_value, label) in enumerate(question.choices[:9], 1)
            ]
            options.append(
                Option(plain("0  Don't know (the guess is used, and said so)"), id="dont-know")
            )
            yield OptionList(*options, id="row-question-choices")
            count = min(len(question.choices), 9)
            yield Static(
                joined(
                    (f"1-{count}", "bold"), " answer   ", ("0", "bold"), " don't know   ",
                    ("Esc", "bold"), " later (asked again at the next step)",
                ),
                id="row-question-keys",
            )  # fmt: skip
            with VerticalScroll(id="row-question-why-scroll"):
                yield Static(plain(f"Why we ask: {question.why}"), id="row-question-why")

    def on_mount(self) -> None:
        choices = self.query_one("#row-question-choices", OptionList)
        choices.highlighted = 0
        choices.focus()

    def action_new_case(self) -> None:
        """The next caller, as on the screens beneath: this question waits in the case."""
        self.dismiss(None)
        self.app.call_later(self.app.run_action, "new_case")

    def action_dont_know(self) -> None:
        self.dismiss(DONT_KNOW)

    def action_choose(self, number: int) -> None:
        if 1 <= number <= min(len(self.question.choices), 9):
            self.dismiss(self.question.choices[number - 1][0])

    @on(OptionList.OptionSelected, "#row-question-choices")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        option = event.option.id or ""
        if option == "dont-know":
            self.dismiss(DONT_KNOW)
        elif option.startswith("choice-"):
            self.action_choose(int(option.removeprefix("choice-")))
