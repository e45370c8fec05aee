package spec

import "fmt"

// ConnStatus is what the control plane of a NIC's connection table
// reports for an open or a close: the codes of Dagger's ConnStatus
// register. The NIC model and the soft NIC report the same codes, so a
// model trace and the implementation compare them directly.
type ConnStatus uint8

const (
	ConnOK          ConnStatus = iota
	ConnAlreadyOpen            // open of an open connection
	ConnIsClosed               // close of a closed connection
	ConnIDWrong                // a c_id outside the table (or a flow out of range)
	numConnStatuses
)

var connStatusNames = [numConnStatuses]string{"OK", "AlreadyOpen", "IsClosed", "IdWrong"}

// String is Dagger's name for the code.
func (st ConnStatus) String() string {
	if st >= numConnStatuses {
		return fmt.Sprintf("status(%d)", uint8(st))
	}
	return connStatusNames[st]
}
