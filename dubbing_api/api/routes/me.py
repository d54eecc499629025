"""The caller: identity, role, quotas with their current usage, and rate limits."""

from fastapi import APIRouter, Request
from pydantic.alias_generators import to_camel

from dubbing_api.api.deps import RateLimitsDep, SessionDep, SettingsDep, UserDep
from dubbing_api.core.openapi import problems
from dubbing_api.core.rate_limits import client_address
from dubbing_api.schemas import Glossary, Me, QuotaState, RateLimitState
from dubbing_api.services import quotas

router = APIRouter(prefix="/v1/me", tags=["me"])


@router.get(
    "",
    operation_id="getMe",
    summary="Who you are, your quotas with their current usage, and your rate limits",
    description="Each quota has its limit and what you use of it now; a request over a quota "
    "gets a `quota.<name>` problem with the same figures. Each rate limit has what is left of "
    "its current window (reading this does not count).",
    responses=problems(401),
)
def get_me(
    request: Request,
    user: UserDep,
    session: SessionDep,
    settings: SettingsDep,
    limits: RateLimitsDep,
) -> Me:
    return Me(
        id=user.id,
        email=user.email,
        name=user.name,
        role="admin" if user.role == "admin" else "user",
        quotas={
            to_camel(name): QuotaState(limit=quota.limit, usage=quota.usage, unit=quota.unit)  # type: ignore[arg-type]
            for name, quota in quotas.usage(session, settings, user).items()
        },
        rate_limits={
            to_camel(name): RateLimitState(
                limit=item.amount,
                window_seconds=item.get_expiry(),
                remaining=remaining,
                reset_seconds=reset,
            )
            for name, (item, remaining, reset) in limits.windows(
                user.id, client_address(request)
            ).items()
        },
    )


@router.get(
    "/glossary",
    operation_id="getMyGlossary",
    summary="Your default glossary",
    description="New jobs that name no glossary get this one (docs/editing.md).",
    responses=problems(401),
)
def get_my_glossary(user: UserDep) -> Glossary:
    return Glossary.model_validate({"terms": user.glossary or []})


@router.put(
    "/glossary",
    operation_id="setMyGlossary",
    summary="Replace your default glossary",
    description="Jobs already created keep the glossary they were created with.",
    responses=problems(401, 422),
)
def set_my_glossary(body: Glossary, user: UserDep, session: SessionDep) -> Glossary:
    user.glossary = [term.model_dump() for term in body.terms]
    session.commit()
    return body
