"""The card provider's own model, which payment conforms to, and a simulated provider.

This is the provider's language, not ours: snake_case fields as its API
names them, amounts as integer minor units ("cents"), lowercase currency
codes.  Payment adapts to it (``card_adapter``) and does not ask it to change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

ChargeStatus = Literal["succeeded", "declined"]


class ProviderRequestError(Exception):
    """The provider refused a request outright (malformed, or a key reused)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderChargeRequest:
    """A charge as the provider's API takes it; card details stay out of repr."""

    card_number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvv: str = field(repr=False)
    amount_cents: int
    currency: str
    idempotency_key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderChargeResponse:
    """The provider's answer: a charge id, and a decline code when declined."""

    charge_id: str
    status: ChargeStatus
    decline_code: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ProviderRefundResponse:
    """The provider gave a succeeded charge back in full."""

    refund_id: str
    charge_id: str
    status: Literal["succeeded"] = "succeeded"


class CardProviderPort(Protocol):
    """What payment needs from a card provider."""

    def charge(self, request: ProviderChargeRequest) -> ProviderChargeResponse:
        """Charge a card once per idempotency key."""
        ...

    def refund(self, charge_id: str) -> ProviderRefundResponse:
        """Give a succeeded charge back, once however often asked."""
        ...


_DECLINING_CARDS = {"0002": "card_declined", "9995": "insufficient_funds"}


class SimulatedCardProvider:
    """A deterministic in-process stand-in for the provider, idempotent by key.

    Cards ending 0002 are declined (``card_declined``), 9995 lack funds
    (``insufficient_funds``); a malformed number, expiry month or CVV, or an
    expiry before ``current_month`` (year, month), is declined with the
    provider's code.  ``charges_made`` counts requests actually processed:
    a repeated key returns the first answer and is not counted again.
    """

    def __init__(self, *, current_month: tuple[int, int] = (2025, 1)) -> None:
        self.current_month = current_month
        self.charges_made = 0
        self.requests_received = 0
        self.refunds_made = 0
        self._by_key: dict[
            str, tuple[ProviderChargeRequest, ProviderChargeResponse]
        ] = {}
        self._succeeded: dict[str, ProviderChargeRequest] = {}
        self._refunds: dict[str, ProviderRefundResponse] = {}

    def charge(self, request: ProviderChargeRequest) -> ProviderChargeResponse:
        """Answer a charge; a repeated key gets the first answer, charged once."""
        self.requests_received += 1
        earlier = self._by_key.get(request.idempotency_key)
        if earlier is not None:
            first_request, first_response = earlier
            if first_request != request:
                raise ProviderRequestError(
                    f"idempotency key {request.idempotency_key!r} was already used "
                    "with different parameters"
                )
            return first_response
        if request.amount_cents <= 0:
            raise ProviderRequestError(
                f"amount_cents must be a positive integer, got {request.amount_cents}"
            )
        self.charges_made += 1
        charge_id = f"ch_sim_{self.charges_made:06d}"
        code = self._decline_code(request)
        if code is None:
            response = ProviderChargeResponse(charge_id=charge_id, status="succeeded")
            self._succeeded[charge_id] = request
        else:
            response = ProviderChargeResponse(
                charge_id=charge_id, status="declined", decline_code=code
            )
        self._by_key[request.idempotency_key] = (request, response)
        return response

    def refund(self, charge_id: str) -> ProviderRefundResponse:
        """Refund a succeeded charge; asking again returns the first refund."""
        earlier = self._refunds.get(charge_id)
        if earlier is not None:
            return earlier
        if charge_id not in self._succeeded:
            raise ProviderRequestError(f"no succeeded charge {charge_id!r} to refund")
        self.refunds_made += 1
        response = ProviderRefundResponse(
            refund_id=f"re_sim_{self.refunds_made:06d}", charge_id=charge_id
        )
        self._refunds[charge_id] = response
        return response

    def captured_cents(self) -> int:
        """Money held from succeeded charges not refunded, in minor units."""
        return sum(
            request.amount_cents
            for charge_id, request in self._succeeded.items()
            if charge_id not in self._refunds
        )

    def _decline_code(self, request: ProviderChargeRequest) -> str | None:
        """The provider's reason to decline a well-formed request, if any."""
        number = request.card_number
        if not (number.isascii() and number.isdigit() and 12 <= len(number) <= 19):
            return "invalid_number"
        if not 1 <= request.exp_month <= 12:
            return "invalid_expiry_month"
        if (request.exp_year, request.exp_month) < self.current_month:
            return "expired_card"
        if not (
            request.cvv.isascii()
            and request.cvv.isdigit()
            and len(request.cvv) in (3, 4)
        ):
            return "invalid_cvc"
        return _DECLINING_CARDS.get(number[-4:])
