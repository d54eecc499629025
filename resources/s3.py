"""S3 multipart uploads and presigned URLs for keys of an `s3://bucket/prefix` MediaStore.

The API hands clients presigned `UploadPart` URLs so video bytes go straight to object storage,
never through the API process; playback segments are redirected to presigned GETs the same way.
"""

from typing import Any

import boto3
from botocore.config import Config


class S3Multipart:
    def __init__(
        self,
        root: str,
        endpoint_url: str | None,
        access_key: str | None,
        secret_key: str | None,
        region: str,
    ) -> None:
        bucket, _, prefix = root.removeprefix("s3://").partition("/")
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        # Path-style addressing: MinIO, rclone and most self-hosted S3s have no wildcard DNS.
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            region_name=region,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    def object_key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def create(self, key: str) -> str:
        """Start a multipart upload of `key`; returns S3's upload id."""
        reply = self.client.create_multipart_upload(Bucket=self.bucket, Key=self.object_key(key))
        return str(reply["UploadId"])

    def part_url(self, key: str, upload_id: str, part_number: int, ttl_seconds: int) -> str:
        return str(
            self.client.generate_presigned_url(
                "upload_part",
                Params={
                    "Bucket": self.bucket,
                    "Key": self.object_key(key),
                    "UploadId": upload_id,
                    "PartNumber": part_number,
                },
                ExpiresIn=ttl_seconds,
                HttpMethod="PUT",
            )
        )

    def list_parts(self, key: str, upload_id: str) -> list[tuple[int, str, int]]:
        """(part number, ETag without quotes, size) of every part S3 holds for the upload."""
        parts: list[tuple[int, str, int]] = []
        paginator = self.client.get_paginator("list_parts")
        pages = paginator.paginate(Bucket=self.bucket, Key=self.object_key(key), UploadId=upload_id)
        for page in pages:
            for part in page.get("Parts", []):
                etag = str(part["ETag"]).strip('"')
                parts.append((int(part["PartNumber"]), etag, int(part["Size"])))
        return parts

    def complete(self, key: str, upload_id: str, parts: list[tuple[int, str]]) -> None:
        self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=self.object_key(key),
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etag} for n, etag in parts]},
        )

    def abort(self, key: str, upload_id: str) -> None:
        self.client.abort_multipart_upload(
            Bucket=self.bucket, Key=self.object_key(key), UploadId=upload_id
        )

    def get_url(self, key: str, ttl_seconds: int) -> str:
        return str(
            self.client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": self.object_key(key)},
                ExpiresIn=ttl_seconds,
            )
        )
