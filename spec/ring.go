package spec

// ringProperties are the properties of model/ring.
var ringProperties = []PropertyDoc{}
