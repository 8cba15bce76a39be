"""Agreements: MOUs with the 4-A elements, data-sharing agreements with the 3-C duties."""
