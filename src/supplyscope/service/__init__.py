"""Web service and dashboard: FastAPI app over the assessment and the alert store."""

from supplyscope.service.app import create_app
from supplyscope.service.settings import ServiceSettings

__all__ = ["ServiceSettings", "create_app"]
