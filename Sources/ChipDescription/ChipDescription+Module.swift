// ChipDescription module.
