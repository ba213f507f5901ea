"""Routes of the export API (approved claims for downstream tools)."""

urlpatterns: list = []
