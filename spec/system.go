package spec

// systemProperties are the properties of model/system.
var systemProperties = []PropertyDoc{}
