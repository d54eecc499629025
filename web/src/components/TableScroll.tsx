import { Table } from "@mantine/core";
import type { ReactNode } from "react";

/**
 * A table wider than a phone scrolls sideways inside its card instead of widening the page. The
 * scrolling box takes keyboard focus (arrow keys scroll it) and is named after the table.
 */
export function TableScroll({
  label,
  minWidth,
  children,
}: {
  label: string;
  minWidth: number;
  children: ReactNode;
}) {
  return (
    <Table.ScrollContainer
      type="native"
      minWidth={minWidth}
      tabIndex={0}
      role="group"
      aria-label={label}
    >
      {children}
    </Table.ScrollContainer>
  );
}
