"""The sensors' structured log lines (see `dubbing_core.logs`), written to the tick's log."""

from typing import Any

import dagster as dg

from dubbing_core.logs import get_logger


def sensor_logger(
    context: dg.SensorEvaluationContext | dg.RunStatusSensorContext, **fields: Any
) -> Any:
    return get_logger(sinks=[context.log.info], **fields)
