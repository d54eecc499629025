"""Dagster's GraphQL API, for what the API needs from it: a job's runs, and terminating them."""

from typing import Any

import httpx

from dubbing_core import tags

_RUNS = """
query JobRuns($filter: RunsFilter) {
  runsOrError(filter: $filter) {
    __typename
    ... on Runs { results { runId status } }
    ... on PythonError { message }
  }
}
"""

_TERMINATE = """
mutation Terminate($runId: String!) {
  terminateRun(runId: $runId) {
    __typename
    ... on TerminateRunFailure { message }
    ... on PythonError { message }
  }
}
"""

ACTIVE_STATUSES = ["QUEUED", "NOT_STARTED", "STARTING", "STARTED"]


class DagsterUnavailable(RuntimeError):
    pass


class DagsterClient:
    def __init__(self, graphql_url: str, timeout: float = 10.0) -> None:
        self.graphql_url = graphql_url
        self.timeout = timeout

    def query(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            response = httpx.post(
                self.graphql_url,
                json={"query": query, "variables": variables or {}},
                timeout=self.timeout,
            )
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise DagsterUnavailable(f"Dagster GraphQL at {self.graphql_url}: {error}") from error
        payload: dict[str, Any] = response.json()
        if payload.get("errors"):
            raise DagsterUnavailable(str(payload["errors"]))
        return dict(payload["data"])

    def active_runs(self, job_id: str) -> list[str]:
        data = self.query(
            _RUNS,
            {
                "filter": {
                    "tags": [{"key": tags.JOB, "value": job_id}],
                    "statuses": ACTIVE_STATUSES,
                }
            },
        )["runsOrError"]
        if data["__typename"] != "Runs":
            raise DagsterUnavailable(data.get("message", data["__typename"]))
        return [run["runId"] for run in data["results"]]

    def terminate(self, run_id: str) -> bool:
        result = self.query(_TERMINATE, {"runId": run_id})["terminateRun"]
        return bool(result["__typename"] == "TerminateRunSuccess")

    def terminate_job(self, job_id: str) -> list[str]:
        """Terminate every active run of a dubflow job; returns the runs terminated."""
        return [run_id for run_id in self.active_runs(job_id) if self.terminate(run_id)]
