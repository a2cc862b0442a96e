package discordtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"regexp"
	"strings"
)

// File is a file a bot uploaded with a message. Discord takes uploads as
// multipart/form-data: the JSON body in a part named payload_json and each
// file in a part named files[n] with a filename
// (https://discord.com/developers/docs/reference#uploading-files), which is
// what discordgo sends for MessageSend.Files, WebhookParams.Files and
// WebhookEdit.Files.
type File struct {
	// Field is the form field, "files[0]" and so on.
	Field string
	// Name is the filename and ContentType the part's type as sent.
	Name, ContentType string
	Data              []byte
}

// Discord's limits on uploads: ten files a message, and the attachment
// size limit it announces in interactions (attachment_size_limit; 25 MiB
// for a guild without boosts).
const (
	maxFiles       = 10
	maxAttachment  = 25 << 20
	payloadJSONKey = "payload_json"
)

var fileField = regexp.MustCompile(`^files\[(\d+)\]$`)

// decodeBody splits a request body into its JSON payload and its files. A
// JSON (or empty) body passes through unchanged; a multipart body must hold
// at most one payload_json part and files[n] parts that name a file, within
// the limits, or the error says why Discord would answer 400.
func decodeBody(contentType string, body []byte) (payload []byte, files []File, err error) {
	mediaType, params, perr := mime.ParseMediaType(contentType)
	if perr != nil || mediaType != "multipart/form-data" {
		return body, nil, nil
	}
	r := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	seen := map[string]bool{}
	for {
		p, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("malformed multipart body: %w", err)
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return nil, nil, fmt.Errorf("malformed multipart body: %w", err)
		}
		name := p.FormName()
		switch {
		case name == payloadJSONKey:
			if payload != nil {
				return nil, nil, errors.New("payload_json given twice")
			}
			payload = data
		case fileField.MatchString(name):
			if p.FileName() == "" {
				return nil, nil, fmt.Errorf("%s has no filename", name)
			}
			if seen[name] {
				return nil, nil, fmt.Errorf("%s given twice", name)
			}
			if len(data) > maxAttachment {
				return nil, nil, fmt.Errorf("%s is larger than %d bytes", name, maxAttachment)
			}
			seen[name] = true
			files = append(files, File{Field: name, Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: data})
		default:
			return nil, nil, fmt.Errorf("unknown form field %q", name)
		}
	}
	if len(files) > maxFiles {
		return nil, nil, fmt.Errorf("more than %d files", maxFiles)
	}
	return payload, files, nil
}

// Payload is the request's JSON: the body, or for an upload its
// payload_json part.
func (r Request) Payload() []byte {
	if len(r.Files) == 0 && !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return r.Body
	}
	payload, _, _ := decodeBody(r.Header.Get("Content-Type"), r.Body)
	return payload
}
