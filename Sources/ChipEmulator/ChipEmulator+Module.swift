// ChipEmulator module.
