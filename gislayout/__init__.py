"""gislayout: the Gansu strategic-emerging-industries layout as GIS layers, resources and a web atlas."""

__version__ = "0.1.0"
