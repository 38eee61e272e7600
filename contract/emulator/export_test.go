package emulator

// Organizations is how many organizations s holds, for tests that prove a
// request did not make one.
func (s *Server) Organizations() int {
	n := 0
	s.kept.Range(func(any, any) bool { n++; return true })
	return n
}
