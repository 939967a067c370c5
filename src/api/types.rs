//! TagoIO wire types (DTOs) shared by the client and the emulator.
