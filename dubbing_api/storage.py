"""Object storage as the API uses it: the pipeline's MediaStore, plus S3 multipart uploads and
presigned GETs when the store is S3."""

from typing import TYPE_CHECKING

from dubbing_core.settings import DubflowSettings
from resources.storage import MediaStore

if TYPE_CHECKING:
    from resources.s3 import S3Multipart


def upload_key(upload_id: str) -> str:
    return f"uploads/{upload_id}/source"


def part_key(upload_id: str, part_number: int) -> str:
    return f"uploads/{upload_id}/parts/{part_number:05d}"


class Storage:
    def __init__(self, settings: DubflowSettings) -> None:
        root = settings.resolved_storage_url
        self.store = MediaStore.from_settings(settings)
        self.s3: S3Multipart | None = None
        if root.startswith("s3://"):
            from resources import s3  # boto3 is only needed for S3

            self.s3 = s3.S3Multipart(
                root=root,
                endpoint_url=settings.s3_endpoint_url,
                access_key=settings.s3_access_key,
                secret_key=settings.s3_secret_key,
                region=settings.s3_region,
            )

    @property
    def kind(self) -> str:
        return "s3" if self.s3 else "local"
