"""Command handlers for card payments, through the provider payment conforms to."""

from __future__ import annotations

from ddd_sim.contexts.payment.application.card_adapter import CardProviderAdapter
from ddd_sim.contexts.payment.application.card_provider import CardProviderPort
from ddd_sim.contexts.payment.application.commands import PayByCard, RefundCardPayment
from ddd_sim.contexts.payment.domain.card_payment import (
    CardChargeRequest,
    CardPayment,
)
from ddd_sim.shared.cqrs import (
    CommandContext,
    CommandResult,
    CommandTable,
    ContextDeps,
    save,
)
from ddd_sim.shared.repository import AggregateRepository


def card_command_handlers(
    deps: ContextDeps, provider: CardProviderPort
) -> CommandTable:
    """The card payment command table, charging through ``provider``."""
    payments: AggregateRepository[CardPayment] = deps.repository(CardPayment)
    adapter = CardProviderAdapter(provider)

    def exists(payment_id: str) -> bool:
        return payments.store.stream_version(payments.stream_id(payment_id)) > 0

    def pay_by_card(command: PayByCard, context: CommandContext) -> CommandResult:
        """Charge the card once; a retry of the same payment writes nothing.

        The provider is idempotent by key too, so a retry after a lost write
        gets the first answer instead of charging the card again.
        """
        payment_id = str(command.payment_id)
        request = CardChargeRequest(
            payment_id=payment_id,
            order_id=str(command.order_id),
            customer_id=str(command.customer_id),
            amount=command.amount,
            card_last4=command.card_last4,
            idempotency_key=command.idempotency_key,
        )
        if exists(payment_id):
            payment = payments.load(payment_id)
            payment.confirm_retry(request)
            return save(payments, payment, context)
        outcome = adapter.charge(command)
        return save(payments, CardPayment.settle(request, outcome), context)

    def refund_card_payment(
        command: RefundCardPayment, context: CommandContext
    ) -> CommandResult:
        """Refund a captured payment; one that took no money is a harmless no-op."""
        payment_id = str(command.payment_id)
        if not exists(payment_id):
            return CommandResult.unchanged(payments.stream_id(payment_id), 0, 0)
        payment = payments.load(payment_id)
        if payment.refundable and payment.charge_id is not None:
            payment.refund(adapter.refund(payment_id, payment.charge_id))
        return save(payments, payment, context)

    return {PayByCard: pay_by_card, RefundCardPayment: refund_card_payment}
