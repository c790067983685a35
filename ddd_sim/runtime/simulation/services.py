"""Each context's open host service: a request's commands run on the shop.

The commands of one request run in order at the moment it arrives; a domain
refusal stops the rest and is answered as ``rejected``.  A ``decline`` fault
makes payment refuse charges without touching the wallet.
"""

from __future__ import annotations

from dataclasses import dataclass

from ddd_sim.contexts.payment.application.commands import ChargeWallet
from ddd_sim.processes.host import Request
from ddd_sim.runtime.shop import ShopRuntime
from ddd_sim.shared.cqrs import CommandResult
from ddd_sim.shared.errors import DomainError
from ddd_sim.sim.faults import FaultBoard
from ddd_sim.sim.network import Reply


@dataclass
class ServiceAdapters:
    """Serves requests at their target context, at the current simulated time."""

    shop: ShopRuntime
    faults: FaultBoard

    def serve(self, request: Request) -> Reply:
        """Run the request's commands; ``duplicate`` when none changed anything."""
        if self.faults.declines(request.target) and any(
            isinstance(c, ChargeWallet) for c in request.commands
        ):
            return Reply(
                kind="rejected",
                detail="declined by the payment provider (decline fault)",
            )
        results: list[CommandResult] = []
        try:
            for command in request.commands:
                results.append(
                    self.shop.execute(
                        command,
                        correlation_id=request.correlation_id,
                        causation_id=request.causation_id,
                    )
                )
        except DomainError as refusal:
            return Reply(kind="rejected", detail=str(refusal))
        return Reply(
            kind="ok",
            results=tuple(results),
            duplicate=bool(results) and not any(r.written for r in results),
        )
