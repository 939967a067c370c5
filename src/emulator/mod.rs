//! A TagoIO-compatible server that enforces TagoIO's rules.
