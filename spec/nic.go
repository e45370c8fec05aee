package spec

// nicProperties are the properties of model/nic.
var nicProperties = []PropertyDoc{}
