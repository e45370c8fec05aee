package explore

import (
	"fmt"
	"html"
	"io"
	"slices"
	"strings"

	"github.com/daggercheck/daggercheck/checker"
)

// Diagram is a behaviour as a sequence diagram: a lane per actor, a row
// per step.
type Diagram struct {
	Title string
	Lanes []string
	Steps []DiagramStep
}

// DiagramStep is one row: the action's label, where it sits, and the
// properties the step breaks: those the state after it breaks and the
// state before did not.
type DiagramStep struct {
	Label  string
	Role   checker.Role
	Broken []string
}

// Diagram draws path p (its first step, the initial state, is the
// diagram's top).
func (s *Session) Diagram(title string, p *Path) Diagram {
	d := Diagram{Title: title, Lanes: slices.Clone(s.lanes)}
	for i, st := range p.Steps[1:] {
		var broken []string
		for _, b := range st.State.Broken {
			if !slices.Contains(p.Steps[i].State.Broken, b) {
				broken = append(broken, b)
			}
		}
		d.Steps = append(d.Steps, DiagramStep{Label: st.Label, Role: checker.Role(*st.Role), Broken: broken})
	}
	return d
}

// Layout of the SVG, in pixels.
const (
	laneW   = 210 // a lane's width
	rowH    = 30  // a step's height
	numW    = 44  // the step numbers' column
	headH   = 64  // the title and the lane heads
	noteW   = 230 // the broken properties' column
	legendH = 58
)

// WriteSVG draws d as a standalone SVG document: lane heads, lifelines,
// each step an arrow between two lanes or a box on one, the properties
// a state breaks in red beside its step, and a legend.
func (d Diagram) WriteSVG(w io.Writer) error {
	lanes := slices.Clone(d.Lanes)
	lane := func(name string) int {
		i := slices.Index(lanes, name)
		if i < 0 {
			lanes = append(lanes, name)
			i = len(lanes) - 1
		}
		return i
	}
	for _, st := range d.Steps { // lanes the model did not list go on the right
		lane(st.Role.Actor)
		if st.Role.Peer != "" {
			lane(st.Role.Peer)
		}
	}
	x := func(i int) int { return numW + i*laneW + laneW/2 }
	width := numW + len(lanes)*laneW + noteW
	bottom := headH + (len(d.Steps)+1)*rowH
	height := bottom + legendH
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#222"/></marker></defs>` + "\n")
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/>`+"\n", width, height)
	fmt.Fprintf(&b, `<text x="8" y="18" font-size="14" font-weight="bold">%s</text>`+"\n", esc(d.Title))
	for i, name := range lanes {
		fmt.Fprintf(&b, `<g class="lane"><rect x="%d" y="28" width="%d" height="24" rx="4" fill="#e8eef7" stroke="#345"/><text x="%d" y="44" text-anchor="middle" font-weight="bold">%s</text>`,
			x(i)-laneW/2+12, laneW-24, x(i), esc(name))
		fmt.Fprintf(&b, `<line x1="%d" y1="52" x2="%d" y2="%d" stroke="#789" stroke-dasharray="4 3"/></g>`+"\n", x(i), x(i), bottom)
	}
	for n, st := range d.Steps {
		y := headH + (n+1)*rowH
		fmt.Fprintf(&b, `<g class="step"><text x="%d" y="%d" text-anchor="end" fill="#666">%d</text>`, numW-8, y+4, n+1)
		from, to := lane(st.Role.Actor), -1
		if st.Role.Peer != "" && st.Role.Peer != st.Role.Actor {
			to = lane(st.Role.Peer)
		}
		if st.Role.Receive && to >= 0 {
			from, to = to, from
		}
		if to < 0 {
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="20" rx="3" fill="#fdf6d8" stroke="#a80"/><text x="%d" y="%d" text-anchor="middle">%s</text>`,
				x(from)-laneW/2+8, y-10, laneW-16, x(from), y+4, esc(clip(st.Label, 30)))
		} else {
			mid := (x(from) + x(to)) / 2
			fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#222" stroke-width="1.5" marker-end="url(#arrow)"/><text x="%d" y="%d" text-anchor="middle">%s</text>`,
				x(from), y+6, x(to), y+6, mid, y+1, esc(clip(st.Label, 30*abs(to-from))))
		}
		if len(st.Broken) > 0 {
			fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#b00" font-weight="bold">breaks %s</text>`, numW+len(lanes)*laneW+4, y+4, esc(strings.Join(st.Broken, ", ")))
		}
		b.WriteString("</g>\n")
	}
	ly := bottom + 18
	fmt.Fprintf(&b, `<g class="legend"><line x1="10" y1="%d" x2="50" y2="%d" stroke="#222" stroke-width="1.5" marker-end="url(#arrow)"/><text x="56" y="%d">an action that reaches another lane (a send, a store, a read)</text>`, ly, ly, ly+4)
	fmt.Fprintf(&b, `<rect x="10" y="%d" width="40" height="14" rx="3" fill="#fdf6d8" stroke="#a80"/><text x="56" y="%d">a step within one lane</text>`, ly+12, ly+24)
	fmt.Fprintf(&b, `<text x="330" y="%d" fill="#b00" font-weight="bold">breaks P</text><text x="392" y="%d">the step breaks property P</text></g>`, ly+24, ly+24)
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func esc(s string) string { return html.EscapeString(s) }

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// clip shortens s to n characters, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
