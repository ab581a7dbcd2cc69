"""FastAPI oracle for the Amigo sandbox's request validation (issue #12 C).

The Amigo Platform API is a FastAPI/pydantic service (apis/amigo.md §1). This models the request side
(parameters and bodies) of the operations the sandbox serves, from src/platforms/amigo/openapi.subset.json,
checks that FastAPI generates the same request schemas as that document, then sends each case of
strict-cases.json through FastAPI and writes what it answered into the case's "expected". The vitest
suite test/amigo/strict.test.ts replays the cases against the emulator and wants the same answers.

Run after changing a case (needs fastapi, httpx and email-validator, e.g. in a venv), then format:
    python test/amigo/fastapi-oracle.py && npx biome check --write test/amigo/strict-cases.json
Checked with fastapi 0.142.2 and pydantic 2.13.5.
"""

import json
import pathlib
from datetime import date
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import FastAPI, Path, Query, Response
from fastapi.testclient import TestClient
from pydantic import BaseModel, EmailStr, Field, StringConstraints

HERE = pathlib.Path(__file__).parent
VENDORED = json.loads((HERE / "../../src/platforms/amigo/openapi.subset.json").read_text())
WS = "/v1/{workspace_id}"

SearchString = Annotated[str, StringConstraints(min_length=1, max_length=200)]
EntityTypeString = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9_]+$")]
CanonicalIdLookupString = Annotated[str, StringConstraints(min_length=1, max_length=256)]
PhoneE164 = Annotated[str, StringConstraints(min_length=2, max_length=16)]


# Fields in the document's order: its properties are sorted by name (all 818 objects), so the
# models' own field order, in which FastAPI lists several errors of one body, is not documented.
class CreateConversationRequest(BaseModel):
    auto_greet: bool = True
    entity_id: UUID | None = None
    service_id: UUID


class ContentPartPayload(BaseModel):
    media_type: Annotated[str, Field(max_length=128)] | None = None
    metadata: dict[str, Any] = Field(default_factory=dict, max_length=50)
    provider_id: Annotated[str, Field(max_length=256)] | None = None
    text: Annotated[str, Field(max_length=10000)] | None = None
    type: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9._-]*$")] = "text"
    url: Annotated[str, Field(max_length=2048)] | None = None


class TurnRequest(BaseModel):
    content: Annotated[list[ContentPartPayload], Field(max_length=20)] | None = None
    media_type: Annotated[str, Field(max_length=128)] | None = None
    media_url: Annotated[str, Field(max_length=2048)] | None = None
    message: Annotated[str, Field(min_length=1, max_length=10000)]


class EntityResolveRequest(BaseModel):
    canonical_id: CanonicalIdLookupString | None = None
    email: EmailStr | None = None
    entity_id: UUID | None = None
    entity_type: EntityTypeString
    limit: int = Field(25, ge=1, le=50)
    phone: PhoneE164 | None = None


class InvokeRequest(BaseModel):
    alias: Literal["latest", "staging", "production"] = "latest"
    input: dict[str, Any] = Field(default_factory=dict)


app = FastAPI()
Limit20 = Annotated[int, Query(gt=0, le=20)]


@app.get(WS + "/agents")
def list_agents(
    workspace_id: UUID,
    search: SearchString | None = None,
    sort_by: str | None = None,
    limit: Limit20 = 10,
    continuation_token: int = 0,
):
    return {}


@app.get(WS + "/agents/{agent_id}")
def get_agent(workspace_id: UUID, agent_id: UUID):
    return {}


@app.get(WS + "/agents/{agent_id}/versions/{version}")
def get_agent_version(workspace_id: UUID, agent_id: UUID, version: int | str):
    return {}


@app.get(WS + "/services")
def list_services(
    workspace_id: UUID,
    search: SearchString | None = None,
    sort_by: str | None = None,
    is_active: bool | None = None,
    limit: Limit20 = 10,
    continuation_token: int = 0,
):
    return {}


@app.get(WS + "/services/{service_id}")
def get_service(workspace_id: UUID, service_id: UUID):
    return {}


@app.post(WS + "/conversations", status_code=201)
def create_conversation(workspace_id: UUID, body: CreateConversationRequest):
    return {}


@app.get(WS + "/conversations")
def list_conversations(
    workspace_id: UUID,
    channel_kind: Literal["voice", "sms", "whatsapp", "web", "email"] | None = None,
    status: Literal["active", "frozen", "closed", "completed", "in-progress", "failed"] | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    return {}


@app.get(WS + "/conversations/{conversation_id}")
def get_conversation(workspace_id: UUID, conversation_id: UUID):
    return {}


@app.delete(WS + "/conversations/{conversation_id}", status_code=204)
def close_conversation(workspace_id: UUID, conversation_id: UUID):
    return None


@app.post(WS + "/conversations/{conversation_id}/turns")
def create_turn(workspace_id: UUID, conversation_id: UUID, body: TurnRequest, include_tool_calls: bool = False):
    return {}


@app.post(WS + "/conversations/{conversation_id}/turns/stream")
def create_turn_stream(
    workspace_id: UUID, conversation_id: UUID, body: TurnRequest, include_tool_calls: bool = False
):
    return {}


@app.get(WS + "/calls")
def list_calls(
    workspace_id: UUID,
    date_from: date | None = None,
    date_to: date | None = None,
    status: str | None = None,
    direction: str | None = None,
    min_duration: int | None = None,
    max_duration: int | None = None,
    service_id: str | None = None,
    include_simulated: bool = False,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
    continuation_token: int | None = None,
):
    return {}


@app.get(WS + "/world/entities")
def list_entities(
    workspace_id: UUID,
    entity_type: Annotated[list[str] | None, Query()] = None,
    q: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
    has_projection: bool | None = None,
    source: str | None = None,
    source_system: str | None = None,
    semantic: Annotated[str | None, Query(max_length=500)] = None,
    tags: Annotated[list[str] | None, Query()] = None,
):
    return {}


@app.get(WS + "/world/search")
def search_world(
    workspace_id: UUID,
    q: str,
    entity_type: str | None = None,
    source: str | None = None,
    confidence_min: Annotated[float | None, Query(ge=0, le=1)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    return {}


@app.get(WS + "/calls/{call_id}")
def get_call(workspace_id: UUID, call_id: str):
    return {}


@app.post(WS + "/world/entities/resolve")
def resolve_entity(workspace_id: UUID, body: EntityResolveRequest):
    return {}


@app.get(WS + "/world/entities/{entity_id}")
def get_entity(workspace_id: UUID, entity_id: UUID):
    return {}


@app.get(WS + "/world/entities/{entity_id}/timeline")
def entity_timeline(
    workspace_id: UUID,
    entity_id: UUID,
    domain: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    return {}


@app.get(WS + "/analytics/dashboard")
def dashboard(workspace_id: UUID, days: Annotated[int, Query(ge=1, le=90)] = 7):
    return {}


@app.get(WS + "/analytics/calls")
def call_stats(workspace_id: UUID, days: Annotated[int, Query(ge=1, le=90)] = 30):
    return {}


@app.post(WS + "/functions/{function_name}/invoke")
def invoke(workspace_id: UUID, function_name: str, body: InvokeRequest):
    return {}


def check_schemas() -> None:
    """The models above must generate the document's request schemas, or the oracle proves nothing."""
    mine = app.openapi()["components"]["schemas"]
    theirs = VENDORED["components"]["schemas"]
    strip = lambda s: {k: v for k, v in s.items() if k not in ("description", "title")}  # noqa: E731

    def norm(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: norm(v) for k, v in sorted(strip(node).items()) if k not in ("$ref",)} | (
                {"$ref": node["$ref"].rsplit("/", 1)[-1].replace("-Input", "")} if "$ref" in node else {}
            )
        if isinstance(node, list):
            return [norm(v) for v in node]
        return node

    def inline(node: Any, schemas: dict) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                name = node["$ref"].rsplit("/", 1)[-1]
                if name in ("SearchString", "EntityTypeString", "CanonicalIdLookupString", "PhoneE164"):
                    return inline(schemas[name], schemas) | {k: v for k, v in node.items() if k != "$ref"}
            return {k: inline(v, schemas) for k, v in node.items()}
        if isinstance(node, list):
            return [inline(v, schemas) for v in node]
        return node

    for name in ("CreateConversationRequest", "ContentPartPayload", "TurnRequest", "InvokeRequest"):
        a = norm(inline(mine.get(name) or mine[f"{name}-Input"], mine))
        b = norm(inline(theirs[name], theirs))
        assert a == b, f"{name}:\n{json.dumps(a, sort_keys=True)}\n{json.dumps(b, sort_keys=True)}"
    resolve = norm(inline(theirs["EntityResolveRequest"], theirs))
    resolve["properties"].pop("external_id")  # not modelled here: the client never sends it
    assert norm(inline(mine["EntityResolveRequest"], mine)) == resolve, "EntityResolveRequest"


def main() -> None:
    check_schemas()
    cases_file = HERE / "strict-cases.json"
    cases = json.loads(cases_file.read_text())
    client = TestClient(app)
    for case in cases:
        headers = {}
        body = case.get("body")
        if "body" in case:
            content = body if isinstance(body, str) else json.dumps(body)
            headers["content-type"] = case.get("contentType", "application/json")
        else:
            content = None
        res: Response = client.request(case["method"], case["path"], content=content, headers=headers)
        case["expected"] = {"status": res.status_code, "json": res.json() if res.content else None}
    cases_file.write_text(json.dumps(cases, indent=1) + "\n")
    print(f"wrote {len(cases)} cases")


if __name__ == "__main__":
    main()
