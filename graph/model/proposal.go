package model

import (
	"context"

	"tthc/internal/page"
	"tthc/internal/proposal"
)

// ProposalConnection is a page of proposals.
type ProposalConnection struct {
	Page  page.Page[proposal.Proposal]
	Count Counter
}

func (c ProposalConnection) Edges() []ProposalEdge {
	out := make([]ProposalEdge, len(c.Page.Edges))
	for i, e := range c.Page.Edges {
		out[i] = ProposalEdge{Cursor: e.Cursor.Encode(), Node: e.Node}
	}
	return out
}

func (c ProposalConnection) Nodes() []proposal.Proposal { return nodes(c.Page) }
func (c ProposalConnection) PageInfo() PageInfo         { return pageInfo(c.Page) }
func (c ProposalConnection) TotalCount(ctx context.Context) (int, error) {
	return c.Count(ctx)
}
