package explore

import (
	"embed"
	"net/http"
)

// assets are the page and its script and style, built into the binary:
// the explorer fetches nothing from the network.
//
//go:embed static
var assets embed.FS

func (s *Server) page(w http.ResponseWriter, r *http.Request) {
	http.ServeFileFS(w, r, assets, "static/index.html")
}
