"""The caller: identity, role, and quotas with their current usage."""

from fastapi import APIRouter
from pydantic.alias_generators import to_camel

from dubbing_api.api.deps import SessionDep, SettingsDep, UserDep
from dubbing_api.core.openapi import problems
from dubbing_api.schemas import Glossary, Me, QuotaState
from dubbing_api.services import quotas

router = APIRouter(prefix="/v1/me", tags=["me"])


@router.get(
    "",
    operation_id="getMe",
    summary="Who you are, and your quotas with their current usage",
    description="Each quota has its limit and what you use of it now; a request over a quota "
    "gets a `quota.<name>` problem with the same figures.",
    responses=problems(401),
)
def get_me(user: UserDep, session: SessionDep, settings: SettingsDep) -> Me:
    return Me(
        id=user.id,
        email=user.email,
        name=user.name,
        role="admin" if user.role == "admin" else "user",
        quotas={
            to_camel(name): QuotaState(limit=quota.limit, usage=quota.usage, unit=quota.unit)  # type: ignore[arg-type]
            for name, quota in quotas.usage(session, settings, user).items()
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
