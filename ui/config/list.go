package config

import (
	"github.com/BurntSushi/toml"

	"github.com/dsbrowse/dsbrowse/views/listcols"
)

// fileList is the [list] table: the data sources list's columns.
type fileList struct {
	Columns []string `toml:"columns"`
}

// parseList checks [list] columns against the list's column names
// (listcols): an unknown, repeated or missing column is one line naming
// the known ones.
func parseList(data []byte, f fileList, md toml.MetaData) ([]string, error) {
	if !md.IsDefined("list", "columns") {
		return nil, nil
	}
	if err := listcols.Check(f.Columns); err != nil {
		return nil, lineErr(findLine(data, toml.Key{"list", "columns"}), "[list] %v", err)
	}
	return f.Columns, nil
}
