"""A test-only analyzer plugin (installed by the tests as its own distribution).

Reads the output of ``ping``: whether packets were lost, and the host pinged.
It reads the ``gateway`` fact and produces an ``advice`` artifact from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wizard.evidence.model import EvidenceReport, Finding
from wizard.evidence.protocol import Context, Produced, Reading, Row, RowQuestion, Table
from wizard.evidence.text import decode

_LOSS = re.compile(r"(\d{1,3})% packet loss")
_PING = re.compile(r"PING (\S+)")
_REPLY = re.compile(r"\d+ bytes from (\S+?):? .*icmp_seq=(\d+).*time=(\d+)")


@dataclass(frozen=True)
class PingAnalyzer:
    name: str = "test-ping"
    title: str = "ping output"
    reads: tuple[str, ...] = ("gateway",)
    supplies: tuple[str, ...] = ("packet_loss", "target")
    produces: tuple[str, ...] = ("advice",)
    corrections: tuple[str, ...] = ("ok", "lost")

    def analyze(self, data: bytes, context: Context) -> Reading:
        decoded = decode(data)
        findings: list[Finding] = []
        rows: list[Row] = []
        questions: list[RowQuestion] = []
        for number, text in decoded.numbered():
            loss = _LOSS.search(text)
            if loss:
                lost = "yes" if int(loss.group(1)) > 0 else "no"
                findings.append(Finding("packet_loss", lost, number, f"line {number} reports loss"))
            ping = _PING.match(text)
            if ping:
                findings.append(Finding("target", ping.group(1), number, "the host pinged"))
            reply = _REPLY.match(text)
            if reply:
                key = f"seq{reply.group(2)}"
                value = context.corrections.get(key, "ok")
                rows.append(Row((str(number), reply.group(2), value), number, "good", key, value))
                if int(reply.group(3)) >= 1000:  # this slow: did it really arrive?
                    questions.append(
                        RowQuestion(
                            key,
                            f"Did reply {reply.group(2)} arrive in time?",
                            "A reply this slow counts as lost for the application.",
                            (("ok", "It arrived"), ("lost", "Count it as lost")),
                            number,
                            text,
                            value,
                        )
                    )
        gateway = context.facts.get("gateway", ())
        if rows and not gateway:
            questions.append(
                RowQuestion("gateway", "Gateway?", "The advice needs it.", (), fact="gateway")
            )
        produced = (Produced("advice", f"route add default {gateway[0]}\n"),) if gateway else ()
        report = EvidenceReport("ping", tuple(findings), (), (), decoded.encoding)
        return Reading(
            report,
            decoded,
            headline=f"{len(rows)} replies",
            table=Table(("Line", "Seq", "State"), tuple(rows), 2) if rows else None,
            produced=produced,
            questions=tuple(questions),
        )


ANALYZER = PingAnalyzer()
