"""The two partitions definitions: one partition per job, and one per (job, language)."""

import dagster as dg

from dubbing_core.languages import SUPPORTED

JOB_PARTITIONS = "job_partitions"
job_partitions = dg.DynamicPartitionsDefinition(name=JOB_PARTITIONS)

# Only the (job, lang) pairs a job asked for are ever materialized; the others stay missing.
job_lang_partitions = dg.MultiPartitionsDefinition(
    {"job": job_partitions, "lang": dg.StaticPartitionsDefinition(list(SUPPORTED))}
)

# Per-language assets read job-level ones through the "job" dimension.
FROM_JOB = dg.MultiToSingleDimensionPartitionMapping(partition_dimension_name="job")


def job_lang_key(job: str, lang: str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"job": job, "lang": lang})


def split_job_lang(partition_key: str | dg.MultiPartitionKey) -> tuple[str, str]:
    if not isinstance(partition_key, dg.MultiPartitionKey):
        partition_key = job_lang_partitions.get_partition_key_from_str(partition_key)
    dims = partition_key.keys_by_dimension
    return dims["job"], dims["lang"]
