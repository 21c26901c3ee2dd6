// SpikingModel module.
