"""Supervision boards for department heads: overdue and due-soon work, listed supervision (挂牌督办)."""
