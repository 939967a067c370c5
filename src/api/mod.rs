//! TagoIO wire types and the typed async client.
