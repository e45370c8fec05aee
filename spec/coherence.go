package spec

// coherenceProperties are the properties of model/coherence.
var coherenceProperties = []PropertyDoc{}
