"""Shared HTML parts every report uses and none owns: partials, value formats, figures, fonts, the page's parts.

May import the rooms below ``report`` and the shared modules; never a report's folder
(a report's type for a hint comes in under ``if TYPE_CHECKING:``).
"""
