"""Tables of the supervisor reports: the monthly targets the county set for this office.

``report_targets`` is reference data: the county sets it (``eservice-county-server targets
set``) and every sync round's pull replaces this office's rows with the county's
(services/sync/reference.py); nothing at the office edits it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from eservice_desktop.storage.models import Base


class TargetRow(Base):
    """One monthly target: office, department, month (YYYY-MM) and metric (``cases``: cases
    received; ``online``: of those, filed on the web or at a kiosk)."""

    __tablename__ = "report_targets"

    office: Mapped[str] = mapped_column(String(8), primary_key=True)
    department: Mapped[str] = mapped_column(String(32), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    metric: Mapped[str] = mapped_column(String(12), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, nullable=False)
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
